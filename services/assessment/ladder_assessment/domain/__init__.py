"""The assessment domain: interview loops, scorecards, scoring, calibration, competency assessments.

Plain Python on the shared contracts; no database, web or broker code.
"""
