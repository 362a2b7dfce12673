"""phrase-coach: practise how to talk to customers.

The core (language, phrasebook, checker, scenario) is pure and synchronous; the shells (cli, bot)
turn files and chat updates into core calls and render what comes back.
"""

__version__ = "0.1.0"
