from fmfootprint.cli import run

run()
