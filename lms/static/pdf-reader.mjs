/* PDF lessons on any screen (issue 25): phones show a PDF in a frame as a blank box, so each page is
 * drawn by PDF.js (lms/static/vendor/pdfjs/, served by the portal itself) on a canvas as wide as the
 * lesson, only when it comes near the screen, and drawn again when the width changes (rotation).
 * Without JavaScript the <noscript> frame and the download link remain; on any error a frame is put
 * back (desktops can still show it) with a message pointing at the download link. */
const NEAR = "100% 0px"; // one screen above and below: drawn before it is seen, dropped when far away
const MAX_PIXEL_RATIO = 2; // sharper than 2× costs phones memory without a visible gain
const KEEP_ALL_UP_TO = 12; // pages; longer documents give far pages' pixels back (about 4 MB a page on a phone)

function debounce(action, wait) {
  let timer = null;
  return () => { window.clearTimeout(timer); timer = window.setTimeout(action, wait); };
}

class PdfReader {
  constructor(root, pdfjs) {
    this.root = root;
    this.pdfjs = pdfjs;
    this.pages = root.querySelector("[data-pdf-pages]");
    this.counter = root.querySelector("[data-pdf-counter]");
    this.slots = [];
    this.width = 0;
  }

  async open() {
    this.pdfjs.GlobalWorkerOptions.workerSrc = this.root.dataset.worker;
    // useWasm off: the optional decoders (JPEG 2000, JBIG2) are not shipped and CSP forbids WebAssembly.
    this.document = await this.pdfjs.getDocument({url: this.root.dataset.src, useWasm: false}).promise;
    const first = (await this.document.getPage(1)).getViewport({scale: 1});
    for (let number = 1; number <= this.document.numPages; number += 1) {
      const slot = document.createElement("div");
      slot.className = "pdf-page";
      slot.dataset.page = String(number);
      // Every page gets the first page's shape until it is drawn, so the scroll bar is right at once.
      slot.style.aspectRatio = `${first.width} / ${first.height}`;
      this.pages.appendChild(slot);
      this.slots.push(slot);
    }
    this.root.classList.add("pdf-ready");
    this.width = this.pages.clientWidth;
    this.observer = new IntersectionObserver((entries) => this.seen(entries), {rootMargin: NEAR});
    this.slots.forEach((slot) => this.observer.observe(slot));
    new ResizeObserver(debounce(() => this.resized(), 150)).observe(this.pages);
    window.addEventListener("scroll", () => this.count(), {passive: true});
    this.count();
  }

  seen(entries) {
    entries.forEach((entry) => {
      const slot = entry.target;
      slot.near = entry.isIntersecting;
      if (slot.near) { this.drawOrFallBack(slot); } else { this.drop(slot); }
    });
  }

  resized() {
    const width = this.pages.clientWidth;
    if (!width || width === this.width) { return; }
    this.width = width;
    this.slots.forEach((slot) => {
      slot.drawnAt = 0;
      if (slot.near) { this.drawOrFallBack(slot); }
    });
  }

  drawOrFallBack(slot) {
    this.draw(slot).catch((error) => fallBack(this.root, error));
  }

  async draw(slot) {
    const width = this.width;
    if (!width || slot.drawnAt === width || slot.drawingAt === width) { return; }
    slot.drawingAt = width;
    slot.task?.cancel();
    const page = await this.document.getPage(Number(slot.dataset.page));
    const natural = page.getViewport({scale: 1});
    const viewport = page.getViewport({scale: width / natural.width});
    const ratio = Math.min(window.devicePixelRatio || 1, MAX_PIXEL_RATIO);
    const canvas = document.createElement("canvas");
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", this.label(slot.dataset.page));
    slot.task = page.render({canvas, viewport, transform: ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0]});
    try {
      await slot.task.promise;
    } catch (error) {
      if (error?.name === "RenderingCancelledException") { return; }
      throw error;
    } finally {
      if (slot.drawingAt === width) { slot.drawingAt = 0; }
    }
    if (!slot.near || this.width !== width) { return; }
    slot.style.aspectRatio = `${natural.width} / ${natural.height}`;
    slot.replaceChildren(canvas);
    slot.drawnAt = width;
  }

  drop(slot) {
    // Far pages give their pixels back: a 100-page PDF drawn in full would not fit a phone's memory.
    if (this.slots.length <= KEEP_ALL_UP_TO) { return; }
    slot.task?.cancel();
    slot.drawingAt = 0;
    slot.drawnAt = 0;
    slot.replaceChildren();
  }

  label(page) {
    return this.root.dataset.counter.replace("{page}", page).replace("{total}", String(this.slots.length));
  }

  count() {
    if (this.counting) { return; }
    this.counting = true;
    window.requestAnimationFrame(() => {
      this.counting = false;
      const middle = window.innerHeight / 2;
      const current = this.slots.find((slot) => slot.getBoundingClientRect().bottom >= middle) || this.slots.at(-1);
      if (current) { this.counter.textContent = this.label(current.dataset.page); }
    });
  }
}

function fallBack(root, error) {
  if (root.classList.contains("pdf-failed")) { return; }
  console.error("PDF reader:", error);
  root.classList.remove("pdf-ready");
  root.classList.add("pdf-failed");
  const frame = document.createElement("iframe");
  frame.className = "pdf-viewer";
  frame.src = root.dataset.src;
  frame.title = root.dataset.title;
  const message = document.createElement("p");
  message.className = "flash flash-error";
  message.textContent = root.dataset.failed;
  root.replaceChildren(message, frame);
}

async function start(root) {
  try {
    const pdfjs = await import(root.dataset.library);
    await new PdfReader(root, pdfjs).open();
  } catch (error) {
    fallBack(root, error);
  }
}

document.querySelectorAll("[data-pdf-reader]").forEach((root) => {
  start(root).catch((error) => fallBack(root, error));
});

export {PdfReader};
