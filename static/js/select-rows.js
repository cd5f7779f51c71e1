// Buttons that tick a set of row checkboxes at once (e.g. every arrest not yet handed off).
// Hidden without this script; each button's data-select names the boxes it ticks ("" clears).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-select]");
  Array.prototype.forEach.call(buttons, function (button) {
    var form = button.form;
    button.hidden = false;
    button.addEventListener("click", function () {
      var selector = button.getAttribute("data-select");
      var boxes = form.querySelectorAll("input[type=checkbox][name=arrest]");
      Array.prototype.forEach.call(boxes, function (box) {
        box.checked = selector !== "" && box.matches(selector);
      });
    });
  });
}());
