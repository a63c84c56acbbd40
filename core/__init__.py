"""The shared core: the clock, email rendering, the read-only admin base and the API's error
mapping. It imports no app of the project, so every app may import it."""
