"""Demo data of `make run`: a cohort of simulated learners whose answers are written as the
services would write them (see recorder.py), so the instructor pages have something to show."""
