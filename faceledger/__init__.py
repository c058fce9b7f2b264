"""FaceLedger: government facial-recognition procurement as an open dataset."""
