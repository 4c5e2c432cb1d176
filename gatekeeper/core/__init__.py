"""The pure core: parse the contract, classify paths, decide. No I/O, no click, no PyGithub."""
