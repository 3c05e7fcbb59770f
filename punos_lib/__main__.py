from punos_lib.cli import main
import sys
sys.exit(main())
