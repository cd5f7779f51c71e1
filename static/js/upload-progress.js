// Shows that a large upload is being checked, and stops a second click from sending it twice.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-upload-progress]");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function () {
      var status = form.querySelector(".upload-progress");
      if (status) { status.hidden = false; }
      var buttons = form.querySelectorAll("button[type=submit]");
      Array.prototype.forEach.call(buttons, function (button) { button.disabled = true; });
    });
  });
}());
