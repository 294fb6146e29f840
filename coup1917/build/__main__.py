import sys

from coup1917.build import main

sys.exit(main())
