"""Export: the JSON bundle and the PDF assurance record. No Qt."""
