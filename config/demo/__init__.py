"""The demo data of `manage.py seed_demo`: it sits on top of the house, so it may use every app."""
