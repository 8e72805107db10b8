from lablog.cli import main

main()
