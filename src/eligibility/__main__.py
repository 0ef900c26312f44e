"""``python -m eligibility`` runs the command line."""

from eligibility.cli import main

if __name__ == "__main__":
    main()
