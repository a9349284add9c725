// Progressive enhancement of the upload form: drag and drop, and a word while it is sent.
(function () {
  var form = document.getElementById("upload-form");
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("file");
  var status = document.getElementById("upload-status");
  if (!form || !zone || !input) { return; }
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });
  var idle = status ? status.textContent : "";
  form.addEventListener("submit", function () {
    if (status) { status.textContent = "送信して点検しています…"; }
  });
  // Back to a page the browser kept (Safari's page cache): no longer sending, no file chosen
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      if (status) { status.textContent = idle; }
      form.reset();
    }
  });
})();
