import sys

from valuelab.cli import main

sys.exit(main())
