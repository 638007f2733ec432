// A create form's idempotency key (mars/idempotency.py). The page gives a fresh key in
// data-idempotency-key; the input starts empty and is filled here, so the key is a value the
// person's browser keeps with the form: after Back (the page fetched again, since case pages are
// never cached) the browser puts the old key back with the rest of what was typed, and Save
// pressed again gives the first answer instead of a second record. Deferred: it runs once the
// browser has restored the form.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-idempotency-key]");
  for (var i = 0; i < inputs.length; i++) {
    if (!inputs[i].value) inputs[i].value = inputs[i].getAttribute("data-idempotency-key");
  }
})();
