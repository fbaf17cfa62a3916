// On a narrow screen the tables are drawn as cards (jaga.css): each cell gets its column's name to show
// beside it. Progressive: without JavaScript the cells still stack, only without their names.
document.querySelectorAll("main table").forEach(function (table) {
  var heads = Array.prototype.map.call(table.querySelectorAll("thead tr:last-child th"), function (th) {
    return th.textContent.trim();
  });
  if (!heads.length) { return; }
  table.querySelectorAll("tbody tr").forEach(function (row) {
    Array.prototype.forEach.call(row.children, function (cell, index) {
      if (!cell.hasAttribute("data-label") && heads[index] && !cell.hasAttribute("colspan")) {
        cell.setAttribute("data-label", heads[index]);
      }
    });
  });
});
