# Shortcuts for developers who have make; everything goes through dev.py, which needs only Python.
.PHONY: demo serve test test-sqlite test-pg check migrate

demo:
	python3 dev.py demo

serve:
	python3 dev.py serve

test:
	python3 dev.py test

test-sqlite:
	python3 dev.py test --db=sqlite

test-pg:
	python3 dev.py test --db=postgres

check:
	python3 dev.py check

migrate:
	python3 dev.py museion db upgrade
