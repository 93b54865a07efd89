// Inline mode in the web chat: typing "@botname query" asks the bot as you type, its results
// show above the composer, and picking one sends it via the bot. Loaded before app.js.
"use strict";

const inline = { timer: null, serial: 0, queryId: null, text: null, nextOffset: "", results: [] };
const INLINE_DELAY_MS = 300;

function inlineText(value) {
  const name = state.world.bot.username;
  const match = new RegExp(`^@${name}\\s(.*)$`, "is").exec(value);
  return match ? match[1] : null;
}

function onInlineInput() {
  const text = inlineText($("input").value);
  clearTimeout(inline.timer);
  if (text === null) return hideInline();
  inline.timer = setTimeout(() => askInline(text, ""), INLINE_DELAY_MS);
}

async function askInline(text, offset) {
  const serial = ++inline.serial;
  if (!offset) showInlineNote("Asking the bot…");
  try {
    const asked = await api.post("/inline", {
      query: text, offset, user_id: state.speaker, chat_id: state.current.chatId,
    });
    const answer = asked.answer || (await api.get(`/inline/${asked.inline_query_id}?wait=5`)).answer;
    if (serial !== inline.serial) return; // the person typed on meanwhile
    if (!answer) return showInlineNote("The bot did not answer.");
    if (!offset) inline.results = [];
    Object.assign(inline, { queryId: asked.inline_query_id, text, nextOffset: answer.next_offset });
    inline.results.push(...answer.results.map((r) => ({ ...r, _query: asked.inline_query_id })));
    renderInline(answer.button);
  } catch (error) {
    if (serial === inline.serial) showInlineNote(error.message);
  }
}

function renderInline(button) {
  const box = $("inline-results");
  box.replaceChildren();
  if (button) box.append(inlineButton(button));
  if (!inline.results.length) box.append(el("div", "inline-note", "No results"));
  inline.results.forEach((result) => box.append(inlineItem(result)));
  if (inline.nextOffset) {
    const more = el("button", "inline-more", "More results");
    more.type = "button";
    more.addEventListener("click", () => askInline(inline.text, inline.nextOffset));
    box.append(more);
  }
  box.hidden = false;
}

function inlineItem(result) {
  const item = el("button", "inline-item");
  item.type = "button";
  item.dataset.resultId = result.id;
  const look = result._preview;
  const thumb = el("div", "inline-thumb", look.kind === "article" ? "≡" : "");
  const src = look.thumbnail_file_id ? fileUrl(look.thumbnail_file_id) : look.thumbnail_url;
  if (src) thumb.style.backgroundImage = `url("${src}")`;
  const words = el("div", "inline-words");
  words.append(el("div", "inline-title", look.title), el("div", "inline-description", look.description || look.kind));
  item.append(thumb, words);
  item.addEventListener("click", () => chooseInline(result));
  return item;
}

function inlineButton(button) {
  const node = el("button", "inline-switch", button.text);
  node.type = "button";
  node.addEventListener("click", async () => {
    if (button.start_parameter === undefined) return toast("Web apps are not emulated");
    hideInline();
    // As Telegram does: the person's private chat with the bot opens, and /start goes there.
    const own = state.speaker;
    if (state.current.chatId !== own) {
      if (!state.chats.has(own)) return toast("This person has no private chat with the bot");
      await openChat(own, null);
    }
    $("input").value = `/start ${button.start_parameter}`;
    send();
  });
  return node;
}

async function chooseInline(result) {
  const { chatId, threadId } = state.current;
  try {
    const posted = await api.post(`/inline/${result._query}/choose`, {
      result_id: result.id, chat_id: chatId, thread_id: threadId,
    });
    addMessage(posted);
    $("input").value = "";
    autosize();
    hideInline();
  } catch (error) { toast(error.message, true); }
}

function showInlineNote(text) {
  const box = $("inline-results");
  box.replaceChildren(el("div", "inline-note", text));
  box.hidden = false;
}

function hideInline() {
  inline.serial++;
  $("inline-results").hidden = true;
}
