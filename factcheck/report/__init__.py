"""Report formats: one Report rendered as JSON, Markdown, HTML, SARIF, JUnit or GitHub annotations."""
