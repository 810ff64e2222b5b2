"""Natural photographs: loading and the fixed discovery/confirmation split, streaming top examples over any number of
them, their WordNet concepts, and their mirror images."""
