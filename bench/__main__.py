import sys

if sys.argv[1:2] == ["recalc"]:  # python -m bench recalc: the add-in recalculation (bench/recalc.py)
    from .recalc import main as recalc_main

    sys.exit(recalc_main(sys.argv[2:]))

from .main import main

sys.exit(main())
