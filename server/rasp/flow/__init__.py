"""The computation-flow view: the transformer a RASP s-op compiles to, as plain data
(`layout`) and as a picture (`svg`)."""
