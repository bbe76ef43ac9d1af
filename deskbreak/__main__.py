import sys

from deskbreak.cli import main

sys.exit(main())
