// The card browser: a "select every card on this page" box (without JavaScript, tick cards one
// by one or act on every card of the search).
(function () {
  "use strict";
  var all = document.querySelector(".select-all");
  if (!all) return;
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name="card"]'));
  function sync() {
    var ticked = boxes.filter(function (b) { return b.checked; }).length;
    all.checked = ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
  all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
  });
  boxes.forEach(function (b) { b.addEventListener("change", sync); });
  sync();
})();
