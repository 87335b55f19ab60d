// Posts the deep-linking answer back to the platform at once (the button remains for no-JS).
"use strict";
document.getElementById("lti-deep-link-return").submit();
