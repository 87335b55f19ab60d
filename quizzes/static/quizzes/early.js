// Runs before the page is drawn (not deferred): styles for script-enabled pages apply at once.
// A file rather than an inline <script>, so the Content-Security-Policy needs no 'unsafe-inline'.
document.documentElement.classList.add("js");
