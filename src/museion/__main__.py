from museion.cli import main

main()
