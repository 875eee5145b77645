"""The CDK app: ``app.py`` builds one ``PixelScriptStack`` per environment."""
