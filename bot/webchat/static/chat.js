// The web chat: sends each tap or typed message to /chat/events and shows the answers.
// Everything the learner reads comes from the server, already in their language.
"use strict";

(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const chat = document.getElementById("chat");
  let busy = false;

  function disableOldButtons() {
    // Copy buttons stay usable: the message they copy is still there to send.
    log.querySelectorAll(".buttons button:not(.copy)").forEach((b) => { b.disabled = true; });
  }

  function bubble(who, text) {
    const item = document.createElement("div");
    item.className = "msg " + who;
    const p = document.createElement("p");
    p.textContent = text;  // never innerHTML: the learner's words stay words
    p.dir = "auto";
    item.appendChild(p);
    log.appendChild(item);
    return item;
  }

  function buttonsFor(message) {
    const box = document.createElement("div");
    box.className = "buttons";
    message.buttons.forEach((row) => {
      const r = document.createElement("div");
      r.className = "row";
      row.forEach((b) => {
        if (b.kind === "url") { r.appendChild(linkButton(b)); return; }
        if (b.kind === "copy") { r.appendChild(copyButton(b)); return; }
        const btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.label;
        btn.dataset.value = b.data;
        btn.addEventListener("click", () => tap(btn, b));
        r.appendChild(btn);
      });
      box.appendChild(r);
    });
    return box;
  }

  // A link that looks like a button: a mailto:, sms: or https: link to forward a message.
  function linkButton(b) {
    const a = document.createElement("a");
    a.className = "button-link";
    a.href = b.data;
    a.textContent = b.label;
    if (b.data.startsWith("http")) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
    return a;
  }

  function copyButton(b) {
    const btn = document.createElement("button");
    btn.type = "button";
    btn.className = "copy";
    btn.textContent = b.label;
    btn.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(b.data);
        btn.textContent = "✔️ " + b.label.replace(/^\S+\s/, "");
      } catch (error) {
        btn.textContent = b.label;
      }
    });
    return btn;
  }

  function botMessage(message) {
    const item = document.createElement("div");
    item.className = "msg bot";
    if (message.picture) {
      const img = document.createElement("img");
      img.src = message.picture;
      img.alt = message.alt;
      img.className = "card";
      img.width = 256;
      img.height = 256;
      item.appendChild(img);
    } else if (message.emoji) {
      const pic = document.createElement("span");
      pic.className = "emoji";
      // A picture without words (a warning sign before a note) is decoration to a screen
      // reader: an image with an empty name would be read as "image", or not at all.
      if (message.alt) {
        pic.setAttribute("role", "img");
        pic.setAttribute("aria-label", message.alt);
      } else {
        pic.setAttribute("aria-hidden", "true");
      }
      pic.textContent = message.emoji;
      item.appendChild(pic);
    }
    const p = document.createElement("p");
    p.textContent = message.text;
    item.appendChild(p);
    if (message.file) item.appendChild(fileLink(message.file));
    if (message.buttons.length) item.appendChild(buttonsFor(message));
    return item;
  }

  // A file that came with the message (a credential, a badge, the learner's data): a link
  // that saves it. The bytes are in the message, so nothing else is fetched.
  function fileLink(file) {
    const bytes = Uint8Array.from(atob(file.data), (c) => c.charCodeAt(0));
    const a = document.createElement("a");
    a.className = "button-link file";
    a.href = URL.createObjectURL(new Blob([bytes], { type: file.mime }));
    a.download = file.name;
    a.textContent = "📄 " + file.name;
    a.dir = "ltr";
    return a;
  }

  function showPageTexts(ui) {
    if (!ui) return;
    document.getElementById("send").textContent = ui.send;
    input.placeholder = ui.placeholder;
    document.getElementById("message-label").textContent = ui.label;
    chat.dataset.error = ui.error;
    chat.dataset.offline = ui.offline;
  }

  function show(data, tappedItem) {
    document.documentElement.lang = data.locale;
    document.documentElement.dir = data.dir;
    showPageTexts(data.ui);
    data.messages.forEach((message) => {
      const item = botMessage(message);
      if (message.replace && tappedItem) {
        tappedItem.replaceWith(item);
        tappedItem = null;
      } else {
        if (message.buttons.length) disableOldButtons();
        log.appendChild(item);
      }
    });
    const last = log.lastElementChild;
    if (last) last.scrollIntoView({ block: "end" });
  }

  async function send(kind, value, tappedItem) {
    if (busy) return;
    busy = true;
    try {
      const response = await fetch("/chat/events", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ kind: kind, value: value }),
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      show(await response.json(), tappedItem);
    } catch (error) {
      bubble("bot error", navigator.onLine ? chat.dataset.error : chat.dataset.offline);
    } finally {
      busy = false;
    }
  }

  function tap(btn, b) {
    const item = btn.closest(".msg");
    bubble("me", b.label);
    send("tap", b.data, item);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    // While an answer is on its way the words stay in the box, to send once it is here:
    // clearing them now would lose them, since send() takes nothing while busy.
    if (!text.trim() || busy) { input.focus(); return; }
    bubble("me", text);
    input.value = "";
    send("text", text, null);
  });

  // News (an endorser answered) arrives with the next turn, or with this poll.
  async function poll() {
    if (busy || document.hidden) return;
    try {
      const response = await fetch("/chat/news", { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      data.messages.forEach((message) => {
        log.appendChild(botMessage(message));
      });
      if (data.messages.length) log.lastElementChild.scrollIntoView({ block: "end" });
    } catch (error) {
      // Offline for a moment: the next poll tries again.
    }
  }

  // An invite link (/chat?start=...) opens the chat with its payload, once: the address
  // bar forgets it at once, so a reload or a shared screen does not carry it on.
  const start = new URLSearchParams(window.location.search).get("start");
  if (start) {
    window.history.replaceState(null, "", window.location.pathname);
    send("start", start, null);
  } else {
    send("resume", "", null);
  }
  setInterval(poll, 10000);
})();
