"""Security plumbing shared by the pages and the API: client addresses, sign-in lockouts, CSP."""
