"""The broker's small HTTP toolkit: routing on raw paths, HAL documents, errors, requests."""
