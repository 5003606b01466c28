import sys

from ionscales.cli import main

sys.exit(main())
