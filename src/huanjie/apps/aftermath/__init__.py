"""After the election: handover, representatives, supervision committee, recall, archive."""
