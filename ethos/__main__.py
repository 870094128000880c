from ethos.cli.app import main

main()
