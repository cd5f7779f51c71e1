// Shows that a large upload is being checked, and stops a second click from sending it twice.
// The buttons stay enabled while the form is sent: a disabled button's name and value would be
// left out of the request, and the server tells "Save all" from "Discard" by them.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-upload-progress]");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-submitting") === "yes") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-submitting", "yes");
      var status = form.querySelector(".upload-progress");
      if (status) { status.hidden = false; }
    });
  });
}());
