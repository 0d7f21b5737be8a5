"""Hand-written runtime under the generated models and APIs: HTTP, auth, retries, errors, models' base."""
