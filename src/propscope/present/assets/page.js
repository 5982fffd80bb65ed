/* Small page helpers: filter the report's document index as you type. No HTML is built
 * from data here; rows are only shown or hidden. */
(function () {
  "use strict";
  var box = document.getElementById("doc-filter");
  if (!box) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll("#doc-index tbody tr"));
  box.addEventListener("input", function () {
    var needle = box.value.toLowerCase();
    rows.forEach(function (r) {
      r.hidden = needle !== "" && r.textContent.toLowerCase().indexOf(needle) < 0;
    });
  });
}());
