/**
 * Keyboard intake: nothing typed into the grid is lost while an editor opens, and a Chinese input
 * method (IME) composes into an editor even when the cell was not editing.
 *
 * AG Grid starts an edit only on a keydown whose `key` is one printable character, and seeds the
 * editor with that character. An IME announces its keys as keydown "Process" / keyCode 229 and then
 * sends composition events to the focused *editable* element: on a focused (non-editable) cell div
 * they go nowhere, so the composition was lost. Where the IME lets the first Latin key through as a
 * plain keydown (it is off while a non-editable element has the focus), that key seeded the editor
 * and the composition followed it ("l鹿城镇").
 *
 * So: an IME key on a cell that is not editing opens the editor within the same keydown and moves
 * the focus into an input before the composition arrives — the text editor's own input (AG Grid
 * mounts it synchronously) or, for a picker (a React popup that mounts a moment later), this intake
 * input, whose text the picker takes over once the composition has ended. A composition that starts
 * while the editor holds nothing but the Latin key that opened it replaces that key.
 */

export type PendingCommit = 'Enter' | 'Tab' | 'ShiftTab';

/** What an editor receives from the intake when it has opened */
export interface HandOff {
  text: string;
  /** The intake's selection in `text` (Ctrl+A typed while the picker opened selects the search text to type over) */
  selection: [number, number];
  ticks: string[];
}

/** The cell whose picker is opening */
export interface OpeningCell {
  rowIndex: number;
  colId: string;
}

/** A keydown an input method sent (it swallowed the key and composes) */
export function isImeKey(e: Pick<KeyboardEvent, 'key' | 'keyCode' | 'isComposing'>): boolean {
  return e.isComposing || e.key === 'Process' || e.keyCode === 229;
}

/** A key that types a character (what starts an edit) */
export function isPrintable(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>): boolean {
  return e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey;
}

export function commitOf(e: Pick<KeyboardEvent, 'key' | 'shiftKey'>): PendingCommit | null {
  if (e.key === 'Enter') return 'Enter';
  if (e.key === 'Tab') return e.shiftKey ? 'ShiftTab' : 'Tab';
  return null;
}

/** Types `text` over the input's selection the way keys would (its listeners see an input event) */
export function typeInto(input: HTMLInputElement, text: string): void {
  input.setRangeText(text, input.selectionStart ?? input.value.length, input.selectionEnd ?? input.value.length, 'end');
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

function setInputValue(input: HTMLInputElement, text: string): void {
  // Through the native setter, so React and AG Grid's own listeners see an ordinary input event.
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  if (setter) setter.call(input, text);
  else input.value = text;
  input.setSelectionRange(text.length, text.length);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

export class KeyIntake {
  /** The hidden input that holds keys and compositions while a picker opens */
  input: HTMLInputElement | null = null;
  /** A picker is opening and has not yet taken the intake's text */
  opening = false;
  /** Which cell's picker is opening (AG Grid may not list a popup editor as editing until it has mounted) */
  cell: OpeningCell | null = null;
  /** Space pressed in a multi-select while it opened: the search text at each press, to tick its best match */
  ticks: string[] = [];
  /** The Latin key that opened the current edit, while the editor holds nothing else */
  private seed: string | null = null;
  private composing = false;
  private stripSeed = false;
  private waiters: (() => void)[] = [];

  /** What the clerk typed into a text editor (directly or through the intake), while only typing happened there */
  private typed = new WeakMap<HTMLInputElement, string>();
  /** Stops waiting for the last printable key's input event (a key the editor swallowed never sends one) */
  private stopRecording: (() => void) | null = null;

  private textTarget: HTMLInputElement | null = null;
  private textKeys = '';
  private flushText: (() => void) | null = null;

  /** Types the keys still waiting for a text editor now (Enter or Tab is about to end the edit) */
  flushPendingText(): void {
    this.flushText?.();
  }

  /**
   * A key for a text editor that is in the page but not focused yet. AG Grid focuses it a moment later
   * and then selects its text (or puts the caret at the end): the keys wait for that focus and are typed
   * over the selection afterwards, as if they had arrived then.
   */
  typeWhenFocused(input: HTMLInputElement, key: string): void {
    if (this.textTarget !== input) {
      this.textTarget = input;
      this.textKeys = '';
      const flush = () => {
        clearTimeout(timer);
        input.removeEventListener('focus', onFocus);
        if (this.flushText === flush) this.flushText = null;
        if (this.textTarget !== input) return;
        const keys = this.textKeys;
        this.textTarget = null;
        this.textKeys = '';
        if (document.activeElement !== input) input.focus({ preventScroll: true });
        // Keys an earlier flush typed (its safety net fired before AG Grid's focus) are now selected by it.
        this.unselectOwnTyping(input);
        typeInto(input, keys);
        this.typed.set(input, input.value);
      };
      // AG Grid selects right after focusing, in the same task: type after it.
      const onFocus = () => queueMicrotask(flush);
      input.addEventListener('focus', onFocus);
      // A safety net only: AG Grid focuses an editor it opened from the keyboard, which can take well over
      // 100 ms on a busy machine, and typing before its select-on-focus would be selected away.
      const timer = setTimeout(flush, 1500);
      this.flushText = flush;
    }
    this.textKeys += key;
  }

  /**
   * A key arriving in a text editor. Tab navigation opens the next editor and AG Grid's focusIn
   * selects its whole text a few milliseconds after focusing it (seen: 22 ms), so the first key a
   * fast typist put there was selected and replaced by the second (13933334444 saved as
   * 3933334444). A printable key that finds exactly the clerk's own typing all selected extends it
   * instead; any other key (arrows, Ctrl+A, Backspace) ends the guard, so a deliberate selection
   * is typed over as usual.
   */
  keepTyped(input: HTMLInputElement, printable: boolean): void {
    this.stopRecording?.();
    if (!printable) {
      this.typed.delete(input);
      return;
    }
    this.unselectOwnTyping(input);
    // The key lands after this handler, in the same task: its input event says what the editor then holds.
    // Not a timer: Chromium runs queued keys before timers, so on a busy machine the next key came first and
    // found nothing recorded (1980-03-07 saved as 980-03-07).
    const record = () => {
      this.typed.set(input, input.value);
      stop();
    };
    const stop = () => {
      input.removeEventListener('input', record);
      if (this.stopRecording === stop) this.stopRecording = null;
    };
    input.addEventListener('input', record);
    this.stopRecording = stop;
  }

  /** Exactly the clerk's own typing, all selected (by AG Grid's select-on-focus): the caret goes to its end instead */
  private unselectOwnTyping(input: HTMLInputElement): void {
    const t = this.typed.get(input);
    if (t !== undefined && input.value === t && t.length > 0 && input.selectionStart === 0 && input.selectionEnd === t.length)
      input.setSelectionRange(t.length, t.length);
  }

  /** Wires the intake input and the composition listeners of the grid's root element */
  attach(root: HTMLElement, input: HTMLInputElement): () => void {
    this.input = input;
    const onStart = (e: Event) => this.compositionStarted(e);
    const onEnd = (e: Event) => this.compositionEnded(e as CompositionEvent);
    root.addEventListener('compositionstart', onStart, true);
    root.addEventListener('compositionend', onEnd, true);
    return () => {
      root.removeEventListener('compositionstart', onStart, true);
      root.removeEventListener('compositionend', onEnd, true);
      if (this.input === input) this.input = null;
    };
  }

  /** The edit was opened by this printable key (it is in the editor as its first character) */
  seeded(key: string): void {
    this.seed = key;
  }

  /** Anything else typed or done in the editor makes the seed a real character */
  settle(): void {
    this.seed = null;
  }

  /** Focuses the intake (empty, or holding `text`) so the keys that follow land there */
  open(text: string, anchor: Element | null, cell: OpeningCell | null): void {
    const input = this.input;
    if (!this.opening) this.ticks = [];
    this.opening = true;
    if (cell) this.cell = cell;
    if (!input) return;
    // Over the cell, so the IME's candidate window shows where the clerk is typing.
    const box = input.parentElement;
    const root = box?.parentElement;
    if (anchor && box && root) {
      const a = anchor.getBoundingClientRect();
      const r = root.getBoundingClientRect();
      box.style.left = `${a.left - r.left}px`;
      box.style.top = `${a.top - r.top}px`;
    }
    input.value = text;
    input.focus({ preventScroll: true });
    input.setSelectionRange(text.length, text.length);
  }

  /**
   * A picker's search box takes over: it gets the intake's text once no composition is running in it,
   * then the focus. `isCurrent` says whether the picker still belongs to the cell being edited: a picker
   * whose edit ended before it mounted (Enter or Tab while it opened) must neither take the keys meant
   * for the next cell nor the focus (it is removed at once, and the focus would fall to the page, where
   * keys are lost). Returns a function that cancels the hand-over (editor closed first).
   */
  handOff(target: HTMLInputElement, cell: OpeningCell, isCurrent: () => boolean, take: (got: HandOff) => void): () => void {
    let live = true;
    const deliver = () => {
      if (!live || !isCurrent()) return;
      const input = this.input;
      const mine = this.opening && (this.cell === null || (this.cell.rowIndex === cell.rowIndex && this.cell.colId === cell.colId));
      const text = mine ? (input?.value ?? '') : '';
      const selection: [number, number] = [input?.selectionStart ?? text.length, input?.selectionEnd ?? text.length];
      const got: HandOff = mine ? { text, selection, ticks: this.ticks } : { text: '', selection: [0, 0], ticks: [] };
      if (mine) {
        this.opening = false;
        this.cell = null;
        this.ticks = [];
        if (input) input.value = '';
      }
      target.focus({ preventScroll: true });
      take(got);
    };
    if (this.composing && this.opening && document.activeElement === this.input) this.waiters.push(deliver);
    else deliver();
    return () => {
      live = false;
    };
  }

  /** The edit ended: forget what belonged to it */
  reset(): void {
    this.flushText = null;
    this.textTarget = null;
    this.textKeys = '';
    this.opening = false;
    this.cell = null;
    this.ticks = [];
    this.seed = null;
    this.stripSeed = false;
    this.waiters = [];
    if (this.input) this.input.value = '';
  }

  private compositionStarted(e: Event): void {
    this.composing = true;
    const t = e.target;
    // The Latin key that opened the edit belongs to this composition, not to the text.
    this.stripSeed = this.seed !== null && t instanceof HTMLInputElement && t.value === this.seed;
  }

  private compositionEnded(e: CompositionEvent): void {
    this.composing = false;
    const t = e.target;
    const seed = this.seed;
    if (this.stripSeed && seed && t instanceof HTMLInputElement && t.value.startsWith(seed)) setInputValue(t, t.value.slice(seed.length));
    this.stripSeed = false;
    this.seed = null;
    const waiting = this.waiters;
    this.waiters = [];
    // After the composition's own input event, so the intake holds the committed text.
    if (waiting.length) setTimeout(() => waiting.forEach((w) => w()), 0);
  }
}
