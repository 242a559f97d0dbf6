"""The questionnaire: its model, loading and validation, answers and scoring (no Flask)."""
