from inovasi_kg.cli import main

main()
