/* 审核队列 with several documents: the section select lists the sections of the document viewed
 * only (the server sends them; every document's would be thousands). Choosing another document
 * therefore empties it until the form is sent, rather than offering the sections of the document
 * left behind. Without this script the form works too: the server drops a section of another
 * document than the one chosen (deadlines/views.py _viewed).
 */
(function () {
  var documentSelect = document.getElementById("document");
  var sectionSelect = document.getElementById("section");
  if (!documentSelect || !sectionSelect) {
    return;
  }
  documentSelect.addEventListener("change", function () {
    var hint = new Option(documentSelect.value ? "点击“筛选”后选择本文件的章节" : "先选择文件再选章节", "");
    hint.disabled = true;
    sectionSelect.replaceChildren(new Option("全部", "", true, true), hint);
  });
})();
