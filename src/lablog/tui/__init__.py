"""Full-screen views on Textual; imported only by the commands that start them (`lablog board`)."""
