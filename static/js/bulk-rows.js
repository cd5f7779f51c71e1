// Bulk arrest entry: "Add rows" adds blank rows in place instead of a round trip.
// Progressive enhancement: without this script the button asks the server for more rows.
(function () {
  "use strict";
  var form = document.getElementById("bulk-entry");
  if (!form) { return; }
  var button = form.querySelector("[data-add-rows]");
  var template = document.getElementById("entry-row-template");
  var body = document.getElementById("entry-rows");
  var total = form.querySelector("input[name='form-TOTAL_FORMS']");
  var max = form.querySelector("input[name='form-MAX_NUM_FORMS']");
  if (!button || !template || !body || !total) { return; }
  button.addEventListener("click", function (event) {
    event.preventDefault();
    var count = parseInt(total.value, 10);
    var step = parseInt(button.getAttribute("data-add-rows"), 10);
    var limit = max ? parseInt(max.value, 10) : 200;
    var firstNew = null;
    for (var i = 0; i < step && count < limit; i += 1, count += 1) {
      var html = template.innerHTML
        .replace(/__prefix__/g, String(count))
        .replace(/__number__/g, String(count + 1));
      body.insertAdjacentHTML("beforeend", html);
      if (firstNew === null) { firstNew = body.lastElementChild; }
    }
    total.value = String(count);
    if (firstNew) {
      var input = firstNew.querySelector("input, select");
      if (input) { input.focus(); }
    }
  });
}());
