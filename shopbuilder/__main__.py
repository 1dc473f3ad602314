from shopbuilder.cli import main

raise SystemExit(main())
