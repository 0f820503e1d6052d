"""Confer: a multi-agency case conference API for children's and family services."""
