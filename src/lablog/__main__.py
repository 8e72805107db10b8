from lablog.client import main

main()
