"""The machinery of `bench_scan.py`: running a contender in a child process and measuring it
(`measure`), the inputs it runs on (`datasets`), what runs (`plan`), and the output (`report`)."""
