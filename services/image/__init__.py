"""Image stage: a Script -> one picture per scene, a title card and a contact sheet.

``handler.handle`` is the stage; ``painter`` is the offline provider (Pillow and numpy,
no model), ``openai_images`` the OpenAI Images one; ``cache`` keeps every picture
under a hash of everything that made it, so a re-run never pays twice.
"""
