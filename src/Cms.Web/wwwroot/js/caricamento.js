// The card feed's upload with its progress (decision 0048). Progressive enhancement: without this script the form posts as any
// other and the browser shows its own progress; with it the same form goes by XMLHttpRequest, whose upload events give the bytes
// sent. The server streams the file to the API as it arrives, so what has been sent is what the API has been given to load.
// The answer is the same page the plain post would show: its <main> replaces this one. Served from this site ('self' in the CSP).
(function () {
    "use strict";

    function megabytes(bytes) {
        return (bytes / (1024 * 1024)).toLocaleString("it-IT", { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + " MB";
    }

    function show(doc, url) {
        var main = doc.querySelector("main");
        if (!main) {
            window.location.assign(url);
            return;
        }
        document.title = doc.title;
        var current = document.querySelector("main");
        current.replaceWith(document.importNode(main, true));
        var focus = document.querySelector("main h2[tabindex='-1'], main #form-errors") || document.querySelector("main");
        focus.focus();
    }

    document.addEventListener("submit", function (event) {
        var form = event.target;
        if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-feed-upload") || !window.FormData) return;
        var file = form.querySelector("input[type=file]");
        if (!file || !file.files || file.files.length === 0) return; // the server says what is missing, beside the field
        event.preventDefault();

        var box = form.querySelector("[data-feed-progress]");
        var bar = box.querySelector("progress");
        var text = box.querySelector("[role=status]");
        var button = form.querySelector("button[type=submit]");
        var lastStep = -1;
        box.hidden = false;
        button.disabled = true;
        bar.value = 0;
        text.textContent = "Invio del file in corso…";

        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action);
        xhr.responseType = "document";
        var token = form.querySelector("input[name=__RequestVerificationToken]");
        if (token) xhr.setRequestHeader("RequestVerificationToken", token.value);
        xhr.upload.addEventListener("progress", function (e) {
            if (!e.lengthComputable) return;
            var percent = Math.floor(e.loaded * 100 / e.total);
            bar.value = percent;
            // The status is read out at every tenth, not at every event.
            var step = Math.floor(percent / 10);
            if (step !== lastStep) {
                lastStep = step;
                text.textContent = "Inviati " + megabytes(e.loaded) + " di " + megabytes(e.total) + " (" + percent + "%).";
            }
        });
        xhr.upload.addEventListener("load", function () {
            bar.value = 100;
            text.textContent = "File inviato: caricamento delle ultime righe in corso…";
        });
        xhr.addEventListener("load", function () {
            if (xhr.status >= 200 && xhr.status < 300 && xhr.response) {
                show(xhr.response, xhr.responseURL || form.action);
                return;
            }
            button.disabled = false;
            text.textContent = xhr.status === 400
                ? "Caricamento non accettato: ricaricare la pagina e riprovare."
                : "Caricamento non riuscito (" + xhr.status + "): riprovare.";
        });
        xhr.addEventListener("error", function () {
            button.disabled = false;
            text.textContent = "Invio interrotto: controllare la connessione e riprovare. Le righe già caricate non vengono duplicate.";
        });
        xhr.send(new FormData(form));
    });
})();
